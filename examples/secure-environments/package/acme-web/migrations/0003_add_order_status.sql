-- New in 1.4.0: orders can be cancelled. Existing orders are paid.
ALTER TABLE orders
  ADD COLUMN status text NOT NULL DEFAULT 'paid'
  CHECK (status IN ('paid', 'shipped', 'cancelled'));
CREATE INDEX orders_status_idx ON orders (status);
