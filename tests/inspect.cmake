# Inspectors (issue 7): badge format, the kiosk's inspector mode and
# findings on their way to the collector.
ocop_test(test_badge)
