"""What every domain module needs and none owns."""
