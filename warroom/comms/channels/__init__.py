"""Channel adapters: one folder per channel, one interface (`base.Channel`), one registry."""
