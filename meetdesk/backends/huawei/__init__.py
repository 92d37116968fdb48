"""Huawei Cloud Meeting: conferences, cloud meeting rooms, chair/guest links and conference control."""
