-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d), as the
-- superuser. Same as deploy/stack/postgres.sh does for the local stack: one role and one database per
-- ORM service, password = name (development only), CREATEDB so Django can create its test database.
CREATE ROLE user_svc LOGIN CREATEDB PASSWORD 'user_svc';
CREATE DATABASE user_svc OWNER user_svc;

CREATE ROLE inventory_svc LOGIN CREATEDB PASSWORD 'inventory_svc';
CREATE DATABASE inventory_svc OWNER inventory_svc;

CREATE ROLE notification_svc LOGIN CREATEDB PASSWORD 'notification_svc';
CREATE DATABASE notification_svc OWNER notification_svc;
