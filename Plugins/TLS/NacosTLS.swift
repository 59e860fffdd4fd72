// Placeholder until the TLS plug-in lands.
