"""The bundled CJK font (a GBK subset of Noto Sans CJK SC, SIL OFL; see README.txt): charts in Chinese on a machine without CJK fonts."""
