# The kiosk's own modules.
ocop_test(test_scan_log)
target_link_libraries(test_scan_log PRIVATE kiosk)
ocop_test(test_wedge)
target_link_libraries(test_wedge PRIVATE kiosk)
