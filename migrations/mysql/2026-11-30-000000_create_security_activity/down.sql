DROP TABLE security_activity;
