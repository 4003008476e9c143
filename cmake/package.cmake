# Debian packages, made with CPack: `cpack` in a build folder writes
# packages/ocop-kiosk_VERSION_ARCH.deb (amd64 natively, arm64 from the
# cross build) and, natively, packages/ocop-host_VERSION_amd64.deb.
# tests/package_check.sh builds and checks them; docs/arm.md.
set(OCOP_KIOSK_CONF_DIR /etc/ocop-kiosk)
install(TARGETS ocop-kiosk ocop-kiosk-net RUNTIME DESTINATION bin COMPONENT kiosk)
# Debian 12 keeps packaged units in /lib/systemd/system.
install(FILES ${PROJECT_SOURCE_DIR}/firmware/ocop-kiosk.service
  DESTINATION /lib/systemd/system COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/kiosk.conf.default
  DESTINATION ${OCOP_KIOSK_CONF_DIR} RENAME kiosk.conf COMPONENT kiosk)
set(CPACK_COMPONENTS_ALL kiosk)
if(NOT CMAKE_CROSSCOMPILING)
  install(TARGETS ocop-host RUNTIME DESTINATION bin COMPONENT host)
  # The server and the publish schedule (docs/feed.md "Keeping the feed
  # alive"); installed, not enabled.
  install(FILES ${PROJECT_SOURCE_DIR}/host/ocop-host-serve.service
    ${PROJECT_SOURCE_DIR}/host/ocop-host-publish.service
    ${PROJECT_SOURCE_DIR}/host/ocop-host-publish.timer
    DESTINATION /lib/systemd/system COMPONENT host)
  list(APPEND CPACK_COMPONENTS_ALL host)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ocop)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "OCOP label verification project <ocop@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME ocop-kiosk)
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "OCOP label verification kiosk
ocop-kiosk reads OCOP product labels with a camera or scanner and tells
shoppers, offline, whether a label is genuine. It keeps a signed mirror of
the OCOP registry up to date from the authority's feed. Runs as the
ocop-kiosk systemd service once /etc/ocop-kiosk/kiosk.conf names the feed.")
set(CPACK_DEBIAN_HOST_PACKAGE_NAME ocop-host)
set(CPACK_COMPONENT_HOST_DESCRIPTION "OCOP registry and label tool
ocop-host keeps the OCOP registry, signs and prints labels, publishes the
signed mirror feed and collects kiosk scan logs.")
# Depends from the libraries the binaries link (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The unit is installed but not enabled: the kiosk needs the feed and the
# authority's key in its configuration first.
configure_file(${CMAKE_CURRENT_LIST_DIR}/deb/conffiles.in
  ${PROJECT_BINARY_DIR}/deb/conffiles @ONLY)
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
  ${PROJECT_BINARY_DIR}/deb/conffiles
  ${CMAKE_CURRENT_LIST_DIR}/deb/postinst
  ${CMAKE_CURRENT_LIST_DIR}/deb/prerm
  ${CMAKE_CURRENT_LIST_DIR}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

if(CMAKE_CROSSCOMPILING)
  if(NOT CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
    message(FATAL_ERROR "packaging: no Debian architecture for ${CMAKE_SYSTEM_PROCESSOR}")
  endif()
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
  # dpkg-shlibdeps finds the arm64 libraries in the sysroot, and their
  # packages and symbols in the sysroot's own dpkg database
  # (scripts/arm-sysroot.sh writes it).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
    ${CMAKE_SYSROOT}/lib/aarch64-linux-gnu
    ${CMAKE_SYSROOT}/usr/lib/aarch64-linux-gnu)
  set(CPACK_OCOP_DPKG_ADMINDIR ${CMAKE_SYSROOT}/var/lib/dpkg)
  set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/cpack-cross.cmake)
endif()
include(CPack)
