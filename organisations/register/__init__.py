"""The membership register: read a party's export, preview what changes, apply it."""
