# The authority console (host/console/): its test driver runs
# console_start() on a free loopback port; the end-to-end test drives it
# over HTTP (authorisation matrix, CSRF, sessions, throttling, escaping,
# edit conflicts).
add_executable(console_driver console_driver.c)
target_link_libraries(console_driver PRIVATE host_console)
add_test(NAME console_e2e COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_e2e.py $<TARGET_FILE:console_driver>
  $<TARGET_FILE:ocop-host>)
set_tests_properties(console_e2e PROPERTIES TIMEOUT 600 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# The console's pages in headless Chromium at 1366x768 (skipped without
# chromium); `python3 tests/console_screens.py DRIVER OCOP_HOST
# docs/screens` remakes docs/screens/console-*.png.
add_test(NAME console_screens COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_screens.py
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>)
set_tests_properties(console_screens PROPERTIES TIMEOUT 600
  SKIP_RETURN_CODE 77 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# The console driven through its forms by headless Chromium over the
# DevTools protocol: sign in, search, edit, a key request and its
# approval (skipped without chromium).
add_test(NAME console_browser COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_browser.py
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>)
set_tests_properties(console_browser PROPERTIES TIMEOUT 600
  SKIP_RETURN_CODE 77 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# ocop-host user ... and ocop-host serve --console (the console beside
# the public listener, or alone).
add_test(NAME console_serve COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_serve.py
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>)
set_tests_properties(console_serve PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# Issue 14 items 4-7 over ocop-host serve and a demo world: the phone
# page's report form and its limits, the queue, a producer's page and
# print bundle, inspectors' badges and their PDF card.
add_test(NAME console_work COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_work.py
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>)
set_tests_properties(console_work PROPERTIES TIMEOUT 600 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# The same days in headless Chromium through the pages' forms: a shopper
# reports a label, a clerk confirms it from the queue, a producer prints
# from its bundle (skipped without chromium). `python3
# tests/console_browser_work.py DRIVER OCOP_HOST docs/screens` remakes
# docs/screens/phone-report.png and
# console-{queue,queue-item,mine,badges,kiosks}.png.
add_test(NAME console_browser_work COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_browser_work.py
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>)
set_tests_properties(console_browser_work PROPERTIES TIMEOUT 600
  SKIP_RETURN_CODE 77 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# The feed never lapses: the ocop-host .deb's systemd units verified, the
# publish service's ExecStart run against a world, serve's ALARM lines
# (tests/host_units.sh; the verify part is skipped, saying so, without
# systemd-analyze).
add_test(NAME host_units COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/host_units.sh)
set_tests_properties(host_units PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# Issue 14 item 3, the kiosk fleet: a kiosk enrolled from the console
# uploads with ocop-kiosk to ocop-host serve, and GET /console/kiosks shows
# its mirror version and data age; older and forged batches; enrol and
# retire by role and province.
add_test(NAME console_fleet COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_fleet.py
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>
  $<TARGET_FILE:ocop-kiosk> $<TARGET_FILE:upload_driver>)
set_tests_properties(console_fleet PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# Issue 14 item 8: every report kind as a console page, CSV and XLSX
# downloads, province scope, reports off the console's lock (ocop-host
# serve --console over a demo world).
add_test(NAME console_reports COMMAND python3
  ${CMAKE_CURRENT_SOURCE_DIR}/console_reports.py
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>)
set_tests_properties(console_reports PROPERTIES TIMEOUT 600 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
