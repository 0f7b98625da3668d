"""失业登记: unemployment registration and the national data interface (人社厅发〔2020〕3号)."""
