"""失业登记 national interface: the wire format, a national-platform simulator, an HTTP client and the
local synchroniser (download applications, upload review results and exits exactly once).

See docs/unemployment-sync.md.
"""
