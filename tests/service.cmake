# The kiosk service: scan debouncing, the camera source, and
# `ocop-kiosk run` end to end (tests/service_e2e.py).
ocop_test(test_debounce)
target_link_libraries(test_debounce PRIVATE kiosk)
add_test(NAME service_e2e
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/service_e2e.py)
set_tests_properties(service_e2e PROPERTIES TIMEOUT 240
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")

# The V4L2 path, which no machine here has a device for: an emulated
# camera preloaded at the libv4l2 API (tests/fake_v4l2.c) under the real
# ZBar video code, camera.c and `ocop-kiosk run`
# (tests/camera_v4l2_e2e.py). The shim is not sanitized: it is preloaded
# beside the sanitizer runtime, which stays first (linked into the
# program) and catches its allocations all the same.
find_package(Threads REQUIRED)
add_library(fake_v4l2 MODULE fake_v4l2.c)
set_target_properties(fake_v4l2 PROPERTIES PREFIX "")
target_compile_options(fake_v4l2 PRIVATE -fno-sanitize=all)
target_link_options(fake_v4l2 PRIVATE -fno-sanitize=all)
target_link_libraries(fake_v4l2 PRIVATE ${CMAKE_DL_LIBS} Threads::Threads)
add_test(NAME camera_v4l2_e2e
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/camera_v4l2_e2e.py)
set_tests_properties(camera_v4l2_e2e PROPERTIES TIMEOUT 120
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};OCOP_FAKE_V4L2=$<TARGET_FILE:fake_v4l2>")

# The evdev scanner path, which no machine here has a device for either:
# the test writes real struct input_event records into a FIFO, and
# tests/fake_evdev.c, preloaded, lets the kiosk grab it (EVIOCGRAB), the
# one call a FIFO cannot answer (tests/scanner_evdev_e2e.py). Not
# sanitized, like fake_v4l2; not in a cross build, where the test could
# not run.
if(NOT CMAKE_CROSSCOMPILING)
  add_library(fake_evdev MODULE fake_evdev.c)
  set_target_properties(fake_evdev PROPERTIES PREFIX "")
  target_compile_options(fake_evdev PRIVATE -fno-sanitize=all)
  target_link_options(fake_evdev PRIVATE -fno-sanitize=all)
  target_link_libraries(fake_evdev PRIVATE ${CMAKE_DL_LIBS})
  add_test(NAME scanner_evdev_e2e
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/scanner_evdev_e2e.py)
  set_tests_properties(scanner_evdev_e2e PROPERTIES TIMEOUT 120
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};OCOP_FAKE_EVDEV=$<TARGET_FILE:fake_evdev>")
endif()

# A running kiosk takes two published versions as deltas (issue 11, 3.1).
add_test(NAME service_delta_e2e
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/service_delta_e2e.py)
set_tests_properties(service_delta_e2e PROPERTIES TIMEOUT 120
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")

# First start before any sync, the language card across SIGHUP (issue 11, 3.7).
add_test(NAME service_kiosk_e2e
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/service_kiosk_e2e.py)
set_tests_properties(service_kiosk_e2e PROPERTIES TIMEOUT 120
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")

# The screen's "since" and input words, inspectors' notices and finding
# names (issue 11, 3.7 and 3.8).
add_test(NAME service_screen_e2e
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/service_screen_e2e.py)
set_tests_properties(service_screen_e2e PROPERTIES TIMEOUT 120
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
