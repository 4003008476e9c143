# Cross build for 64-bit ARM Linux (Debian's arm64) with Debian 12's
# gcc-aarch64-linux-gnu, against the sysroot scripts/arm-sysroot.sh
# unpacks from Debian's arm64 packages. Test binaries run under qemu-user.
#
#   scripts/arm-sysroot.sh
#   cmake -S . -B build/arm -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#
# OCOP_ARM_SYSROOT (cache or environment) names another sysroot.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

if(NOT OCOP_ARM_SYSROOT)
  if(DEFINED ENV{OCOP_ARM_SYSROOT})
    set(OCOP_ARM_SYSROOT "$ENV{OCOP_ARM_SYSROOT}")
  else()
    get_filename_component(OCOP_ARM_SYSROOT
      "${CMAKE_CURRENT_LIST_DIR}/../build/arm-sysroot" ABSOLUTE)
  endif()
endif()
set(OCOP_ARM_SYSROOT "${OCOP_ARM_SYSROOT}" CACHE PATH "arm64 sysroot (scripts/arm-sysroot.sh)")
if(NOT EXISTS "${OCOP_ARM_SYSROOT}/.ocop-sysroot")
  message(FATAL_ERROR "no arm64 sysroot at ${OCOP_ARM_SYSROOT}: run scripts/arm-sysroot.sh")
endif()
# try_compile() projects see the same sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES OCOP_ARM_SYSROOT)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_SYSROOT "${OCOP_ARM_SYSROOT}")
# Headers and libraries only from the sysroot; programs from the build
# machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads only the sysroot's .pc files and prefixes their -I/-L
# paths with the sysroot.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${OCOP_ARM_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
  "${OCOP_ARM_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${OCOP_ARM_SYSROOT}/usr/share/pkgconfig")
unset(ENV{PKG_CONFIG_PATH})

# ctest runs test programs through qemu-user, which loads the sysroot's
# dynamic loader and libraries (-L). No binfmt_misc registration needed.
find_program(OCOP_QEMU_AARCH64 qemu-aarch64)
if(OCOP_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${OCOP_QEMU_AARCH64};-L;${OCOP_ARM_SYSROOT}")
endif()
