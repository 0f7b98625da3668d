"""kuaiban (快办): policy library, rules as code, 快办 services and 失业登记 for 人社 public services."""

__version__ = "0.1.0"
