"""Jitsi Meet with JWT authentication (self-hosted Prosody token auth or 8x8 JaaS): signed join links."""
