# Vendoring of the KERN design system (@kern-ux/native, pinned in the script).
# Included from the main Makefile, which defines PYTHON (the virtualenv python).

.PHONY: vendor-kern
vendor-kern:
	$(PYTHON) scripts/vendor_kern.py

# Re-trim static/vendor/kern/kern.trimmed.css from the vendored full stylesheet after
# templates, JavaScript or forms start using another KERN class (no network needed).
.PHONY: trim-css
trim-css:
	$(PYTHON) scripts/trim_css.py
