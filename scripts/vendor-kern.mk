# Vendoring of the KERN design system (@kern-ux/native, pinned in the script).
# Included from the main Makefile, which defines PYTHON (the virtualenv python).

.PHONY: vendor-kern
vendor-kern:
	$(PYTHON) scripts/vendor_kern.py
