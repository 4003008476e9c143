# The .deb packages (cmake/package.cmake): build them with cpack and check
# what they hold. Not in sanitizer builds (their binaries are not shipped).
if(NOT OCOP_SANITIZE)
  if(CMAKE_CROSSCOMPILING)
    set(OCOP_DEB_ARCH arm64)
  else()
    execute_process(COMMAND dpkg --print-architecture
      OUTPUT_VARIABLE OCOP_DEB_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)
  endif()
  add_test(NAME package_deb
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/package_check.sh
            ${PROJECT_BINARY_DIR} ${OCOP_DEB_ARCH} ${CMAKE_CROSSCOMPILING_EMULATOR})
  set_tests_properties(package_deb PROPERTIES TIMEOUT 300 LABELS build-machine
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endif()
