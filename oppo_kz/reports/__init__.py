"""Read-only figures over the sell-out: sales by day, month, store, city, ..., and targets against them."""
