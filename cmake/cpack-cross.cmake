# Read by cpack (CPACK_PROJECT_CONFIG_FILE) for a cross build: the
# dpkg-shlibdeps it runs looks packages up in the sysroot's dpkg database,
# not in the build machine's.
if(CPACK_OCOP_DPKG_ADMINDIR)
  set(ENV{DPKG_ADMINDIR} "${CPACK_OCOP_DPKG_ADMINDIR}")
endif()
