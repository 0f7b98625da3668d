"""失业保险关系跨省转移 with another province's system: our wire protocol, the exchanger, a simulator of the
other province with faults (docs/unemployment-transfer.md)."""
