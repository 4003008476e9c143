# Which tests a cross build runs (tests/arm.cmake includes this file when
# CMAKE_CROSSCOMPILING). ctest starts a test through
# CMAKE_CROSSCOMPILING_EMULATOR (qemu-user) only when the test's command is
# the program's own target: those are the compiled unit tests, and they get
# the label "qemu". Tests run by a script (bash, python3: end-to-end runs,
# nginx, the reference parser) start the built programs themselves, which
# the build machine cannot execute without binfmt_misc, and fuzzers need
# clang: those stay registered but DISABLED, so ctest lists them as not
# run. Tests already labelled "qemu" (they wrap the programs in qemu
# themselves) or "build-machine" (the packaging check) run as they are.
set(OCOP_CROSS_NOT_RUN
  render_screens           # a bash one-liner around the program
  test_host_demo_verdicts) # runs ocop-host through system()

function(ocop_cross_tests)
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(t IN LISTS tests)
    get_test_property(${t} LABELS labels)
    if(labels AND ("build-machine" IN_LIST labels OR "qemu" IN_LIST labels))
      continue()
    endif()
    set(runs OFF)
    if(TARGET ${t} AND NOT t IN_LIST OCOP_CROSS_NOT_RUN)
      get_target_property(type ${t} TYPE)
      if(type STREQUAL "EXECUTABLE")
        set(runs ON)
      endif()
    endif()
    if(runs)
      set_property(TEST ${t} APPEND PROPERTY LABELS qemu)
    else()
      set_tests_properties(${t} PROPERTIES DISABLED TRUE)
    endif()
  endforeach()
endfunction()
# At the end of tests/, once every area's tests are registered.
cmake_language(DEFER CALL ocop_cross_tests)
