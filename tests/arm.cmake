# The cross build's tests (docs/arm.md): which tests run under qemu-user,
# and the demo world across architectures.
if(CMAKE_CROSSCOMPILING)
  include(${PROJECT_SOURCE_DIR}/cmake/cross-tests.cmake)

  # tests/demo_e2e.sh with the authority's side on the build machine (the
  # ocop-host of a native build) and the kiosk's on arm64: the amd64
  # publisher's signed feed, snapshot and delta, synced by the arm64 kiosk
  # under qemu-user, and the labels' verdicts from the mirror it wrote.
  set(OCOP_NATIVE_BUILD_DIR "" CACHE PATH
    "a native build folder whose ocop-host the cross build's tests use")
  if(OCOP_NATIVE_BUILD_DIR)
    list(JOIN CMAKE_CROSSCOMPILING_EMULATOR "' '" emu)
    # ocop-kiosk execs its network helper (firmware/net_helper.h), which
    # the build machine can run only through qemu as well: the wrapper
    # names a wrapper for it in OCOP_KIOSK_NET.
    foreach(prog ocop-kiosk ocop-kiosk-net)
      file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/qemu/${prog}
        CONTENT "#!/bin/sh\nOCOP_KIOSK_NET='${CMAKE_CURRENT_BINARY_DIR}/qemu/ocop-kiosk-net' exec '${emu}' '$<TARGET_FILE:${prog}>' \"$@\"\n"
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                         GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
    endforeach()
    add_test(NAME arm_demo_e2e
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/demo_e2e.sh
              ${OCOP_NATIVE_BUILD_DIR}/host/ocop-host
              ${CMAKE_CURRENT_BINARY_DIR}/qemu/ocop-kiosk)
    set_tests_properties(arm_demo_e2e PROPERTIES TIMEOUT 300 LABELS qemu
      ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${OCOP_NATIVE_BUILD_DIR}")
  else()
    message(STATUS "arm_demo_e2e not registered: set OCOP_NATIVE_BUILD_DIR to a native build")
  endif()
endif()
