# app_db.sh - the SQLite application database of the whole-database tests
# (DESIGN §13; sourced): six tables with foreign keys including a
# self-reference, INTEGER PRIMARY KEY ids, datetime text, 0/1 booleans,
# blobs, NULLs and empty strings, unicode, 19525 rows.
# make_app_db FILE writes it; $app_schema alone makes the empty tables.
app_schema='CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE,
  name TEXT, active BOOLEAN NOT NULL DEFAULT 1, created_at DATETIME NOT NULL,
  manager_id INTEGER REFERENCES users (id));
CREATE TABLE categories (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE);
CREATE TABLE products (id INTEGER PRIMARY KEY, category_id INTEGER NOT NULL REFERENCES categories (id),
  sku VARCHAR(20) NOT NULL UNIQUE, title TEXT NOT NULL, price NUMERIC(10,2), photo BLOB);
CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id),
  placed_at DATETIME NOT NULL, paid BOOLEAN NOT NULL, note TEXT);
CREATE INDEX orders_placed ON orders (placed_at);
CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id),
  product_id INTEGER NOT NULL REFERENCES products (id), qty INTEGER NOT NULL);
CREATE TABLE settings (name VARCHAR(40) PRIMARY KEY, value TEXT);'
# 500 users (each after the first managed by an earlier one), 20 categories,
# 1000 products, 6000 orders, 12000 items, 5 settings: 19525 rows
app_rows="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
INSERT INTO users SELECT i, 'user' || i || '@example.com',
  CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'Zoë Ångström ' || i ELSE '名前' || i END,
  i % 2, datetime('2024-01-01 00:00:00', '+' || i || ' minutes'),
  CASE WHEN i = 1 THEN NULL ELSE (i - 1) / 2 + 1 END FROM n WHERE i <= 500;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO categories SELECT i, 'category ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO products SELECT i, i % 20 + 1, 'SKU-' || i, 'product « ' || i || ' »',
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 10000) / 100.0 END,
  CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN X'' ELSE randomblob(16 + i % 50) END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
INSERT INTO orders SELECT i, i % 500 + 1, datetime('2025-03-01 08:00:00', '+' || (i * 13) || ' minutes'),
  i % 3 = 0, CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'note ' || i END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
INSERT INTO order_items SELECT i, (i + 1) / 2, i % 1000 + 1, i % 9 + 1 FROM n;
INSERT INTO settings VALUES ('theme', 'dark'), ('locale', 'de_DE'), ('empty', ''), ('none', NULL), ('ünï', '✓');"
app_tables="users categories products orders order_items settings"
make_app_db() { sqlite3 "$1" <<<"$app_schema $app_rows"; }
