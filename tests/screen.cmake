# The kiosk screen: rendering, strings and outputs.
ocop_test(test_screen test_screen_samples.c)
target_link_libraries(test_screen PRIVATE kiosk)

# The screenshot tool (docs/screens/), run once as a smoke test.
add_executable(render_screens render_screens.c test_screen_samples.c)
target_link_libraries(render_screens PRIVATE kiosk)
add_test(NAME render_screens
  COMMAND bash -c "rm -rf screens && mkdir screens && $<TARGET_FILE:render_screens> screens 800x480 && test $(ls screens | wc -l) -eq 40")
