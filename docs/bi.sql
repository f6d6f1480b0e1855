-- A read-only way in for BI tools (Metabase): views of the figures in schema `bi`, and a role that may
-- read those views and nothing else. Run it as the database owner after `alembic upgrade head`;
-- running it again changes nothing (views are replaced, the role is created once).
-- No view carries a password hash, a token, a session or an email address.

CREATE SCHEMA IF NOT EXISTS bi;

-- One row per sale with the labels reports group by. Count `status <> 'rejected'` as the API does.
CREATE OR REPLACE VIEW bi.sales AS
SELECT s.id, s.sale_date, s.sold_at, s.status, s.payment_type, s.quantity, s.unit_price, s.amount,
       s.store_id, st.code AS store_code, st.name AS store_name, st.city, st.chain,
       s.product_id, p.sku AS product_sku, p.name AS product_name, p.category, p.series,
       s.promoter_id, u.full_name AS promoter_name, s.reviewed_at, s.created_at
FROM sales s
JOIN stores st ON st.id = s.store_id
JOIN products p ON p.id = s.product_id
JOIN users u ON u.id = s.promoter_id;

CREATE OR REPLACE VIEW bi.stores AS
SELECT id, code, name, chain, city, latitude, longitude, is_active, supervisor_id FROM stores;

CREATE OR REPLACE VIEW bi.products AS
SELECT id, sku, name, category, series, color, ram_gb, storage_gb, price, stock, is_active, launch_date
FROM products;

-- People by id, name and role only (no email, no password hash).
CREATE OR REPLACE VIEW bi.people AS SELECT id, full_name, role, is_active FROM users;

CREATE OR REPLACE VIEW bi.assignments AS SELECT id, store_id, user_id, starts_on, ends_on FROM assignments;

CREATE OR REPLACE VIEW bi.targets AS SELECT id, month, store_id, promoter_id, units, amount FROM targets;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'metabase') THEN
        -- Give it a password of your own: ALTER ROLE metabase PASSWORD '…';
        CREATE ROLE metabase LOGIN;
    END IF;
END
$$;

-- Views run with their owner's rights, so the role needs no right on the tables themselves.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM metabase;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA bi TO metabase;
GRANT SELECT ON ALL TABLES IN SCHEMA bi TO metabase;
ALTER ROLE metabase SET default_transaction_read_only = on;
ALTER ROLE metabase SET search_path = bi;
