-- Prepares PostgreSQL for phone-verify: a role of its own and a database it owns.
-- Run once, as a superuser (psql variables name the role, the database and the password):
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 \
--     -v role=phone_verify -v database=phone_verify -v password="'$(openssl rand -hex 24)'" \
--     -f deploy/prepare-postgres.sql
--
-- then DATABASE_URL=postgres://phone_verify:<password>@<host>:5432/phone_verify
-- (docs/operations.md, "Prepare PostgreSQL").

\if :{?role}
\else
  \set role phone_verify
\endif
\if :{?database}
\else
  \set database phone_verify
\endif

-- A login role that is not a superuser and cannot create roles or databases.
\if :{?password}
CREATE ROLE :"role" LOGIN PASSWORD :password NOSUPERUSER NOCREATEDB NOCREATEROLE;
\else
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
\endif

-- The database owned by the role. The migrations create tables, indexes, a function and a
-- trigger in the public schema; since PostgreSQL 15 `public` no longer lets every role create
-- objects, but it belongs to the database's owner (pg_database_owner), which the role is.
CREATE DATABASE :"database" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;

\connect :"database"
-- PostgreSQL 14 and older: `public` belongs to the superuser; give it to the role, so both
-- behave alike. Nobody else may create objects in it.
ALTER SCHEMA public OWNER TO :"role";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
