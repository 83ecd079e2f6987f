"""The built-in journey models (`aipl`, `5a`, `b2b`, `experience`) and their Chinese comments."""
