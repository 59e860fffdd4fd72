// Temporary: keeps the target non-empty while it is being written (the lead removes this file).
