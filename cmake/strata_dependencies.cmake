# Finds strata's dependencies; shared by the build tree and the installed
# package, so both resolve them the same way.

find_package(Boost 1.74 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Threads REQUIRED)

# Debian's xsimd 8.1 export lists "xtl" as a link dependency although xtl is
# only used with XSIMD_ENABLE_XTL_COMPLEX; an empty target keeps -lxtl off
# the link line. xsimd 9.0 fixed this.
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED)
endif()
find_package(xsimd 8.1 REQUIRED)
