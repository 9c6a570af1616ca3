-- Tables of schema.prisma, created in every shard database (and in the one
-- unsharded comparison database) by the sharding integration tests.
CREATE TABLE transactions (
  id          uuid PRIMARY KEY,
  user_id     integer NOT NULL,
  contract_id integer,
  status      text NOT NULL,
  amount      integer NOT NULL,
  fee         numeric(12, 2),
  note        text,
  created_at  timestamptz(3) NOT NULL,
  UNIQUE (user_id, id)
);

CREATE TABLE transaction_events (
  id             serial PRIMARY KEY,
  transaction_id uuid NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
  user_id        integer NOT NULL,
  kind           text NOT NULL
);

CREATE TABLE contracts (
  id   integer PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE audit_entries (
  id      serial PRIMARY KEY,
  message text NOT NULL
);

CREATE TABLE stored_objects (
  id           uuid PRIMARY KEY,
  created_date timestamptz(3) NOT NULL,
  bucket       text NOT NULL,
  size         integer NOT NULL
);
