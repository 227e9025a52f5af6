"""Files in and out: the xlsx import wizard and export, backups and restore."""
