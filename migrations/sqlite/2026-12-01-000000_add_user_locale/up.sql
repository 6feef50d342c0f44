-- The language of the user's mail and pages (a BCP 47 tag such as "fr" or "pt-BR").
ALTER TABLE users ADD COLUMN locale TEXT NULL;
