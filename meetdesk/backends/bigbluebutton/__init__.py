"""BigBlueButton: the checksum-signed XML API (bbb-web), join links with per-participant branding."""
