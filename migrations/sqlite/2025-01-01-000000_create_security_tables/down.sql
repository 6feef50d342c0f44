DROP TABLE counters;
DROP TABLE one_time_codes;
DROP TABLE mail_outbox;
DROP TABLE sessions;
DROP TABLE roles_users;
DROP TABLE roles;
DROP TABLE users;
