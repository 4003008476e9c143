# The kiosk screen: rendering, strings and outputs.
ocop_test(test_screen test_screen_samples.c)
target_link_libraries(test_screen PRIVATE kiosk_screen)

# The screenshot tool (docs/screens/), run once as a smoke test.
add_executable(render_screens render_screens.c test_screen_samples.c)
target_link_libraries(render_screens PRIVATE kiosk_screen)
add_test(NAME render_screens
  COMMAND bash -c "rm -rf screens && mkdir screens && $<TARGET_FILE:render_screens> screens 800x480 && test $(ls screens | wc -l) -eq 42")

# The DRM and framebuffer outputs, which no machine here has a device for:
# both emulated at the calls screen/screen_out_drm.c and screen_out_fb.c make (tests/fake_display.c,
# preloaded) under the real `ocop-kiosk run` (tests/display_e2e.py). Not
# sanitized, like fake_v4l2 (tests/service.cmake); it needs only libdrm's
# headers, as it answers for libdrm on its own device and passes other
# fds on to the real library. Not in a cross build, where the test could
# not run (cmake/cross-tests.cmake disables script tests).
if(NOT CMAKE_CROSSCOMPILING)
  pkg_check_modules(FAKE_DISPLAY_DRM REQUIRED libdrm)
  find_package(Threads REQUIRED)
  add_library(fake_display MODULE fake_display.c)
  set_target_properties(fake_display PROPERTIES PREFIX "")
  target_include_directories(fake_display PRIVATE ${FAKE_DISPLAY_DRM_INCLUDE_DIRS})
  target_compile_options(fake_display PRIVATE -fno-sanitize=all)
  target_link_options(fake_display PRIVATE -fno-sanitize=all)
  target_link_libraries(fake_display PRIVATE ${CMAKE_DL_LIBS} Threads::Threads)
  add_test(NAME display_e2e
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/display_e2e.py)
  set_tests_properties(display_e2e PROPERTIES TIMEOUT 120
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};OCOP_FAKE_DISPLAY=$<TARGET_FILE:fake_display>")
endif()
