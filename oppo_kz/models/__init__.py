"""Tables and their in/out schemas. Importing this package registers every table on the metadata."""

from oppo_kz.models.product import (
    Category,
    Product,
    ProductCreate,
    ProductPublic,
    ProductReplace,
    ProductsPage,
    ProductUpdate,
)
from oppo_kz.models.user import AuthSession, RefreshToken, Role, User, UserCreate, UserPublic, UserUpdate

__all__ = [
    "AuthSession",
    "Category",
    "Product",
    "ProductCreate",
    "ProductPublic",
    "ProductReplace",
    "ProductUpdate",
    "ProductsPage",
    "RefreshToken",
    "Role",
    "User",
    "UserCreate",
    "UserPublic",
    "UserUpdate",
]
