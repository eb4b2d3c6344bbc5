//! Intune and Entra certificate extensions: the OID table, GUID decoding, classification.
