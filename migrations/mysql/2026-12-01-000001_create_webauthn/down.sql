DROP TABLE webauthn_states;
DROP TABLE webauthn_credentials;
