# Every external dependency is wrapped exactly once here as an imported target.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
# The parallel branch and bound schedules its work with oneTBB (libtbb-dev).
find_package(TBB REQUIRED)

pkg_check_modules(GMP REQUIRED IMPORTED_TARGET gmp)
pkg_check_modules(MPFR REQUIRED IMPORTED_TARGET mpfr)
add_library(rl::gmp ALIAS PkgConfig::GMP)
add_library(rl::mpfr ALIAS PkgConfig::MPFR)

# MPFI, FLINT/Arb and GLPK ship no .pc file on Debian.
function(rl_wrap_library target header libname)
  find_path(${target}_INCLUDE ${header} PATH_SUFFIXES flint)
  find_library(${target}_LIBRARY ${libname})
  if(NOT ${target}_INCLUDE OR NOT ${target}_LIBRARY)
    message(FATAL_ERROR "${libname} not found (${header}); run ./robustlaw.sh deps")
  endif()
  add_library(rl::${target} UNKNOWN IMPORTED)
  set_target_properties(rl::${target} PROPERTIES
    IMPORTED_LOCATION ${${target}_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${${target}_INCLUDE})
endfunction()

rl_wrap_library(mpfi mpfi.h mpfi)
# Arb: its headers only. lib/arith/arb_loader.cpp opens the library (by its
# SONAME, ARB_SONAME) on the first call, so runs that need none skip its loading.
find_path(FLINT_INCLUDE flint.h PATH_SUFFIXES flint)
find_path(ARB_INCLUDE arb.h PATH_SUFFIXES flint)
find_library(ARB_LIBRARY flint-arb)
if(NOT FLINT_INCLUDE OR NOT ARB_INCLUDE OR NOT ARB_LIBRARY)
  message(FATAL_ERROR "FLINT/Arb not found (flint.h, arb.h, libflint-arb); run ./robustlaw.sh deps")
endif()
# dlopen takes the SONAME, which the runtime package installs (the unversioned
# file found above comes with the -dev package only).
execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${ARB_LIBRARY} OUTPUT_VARIABLE ARB_DYNAMIC_SECTION ERROR_QUIET)
if(ARB_DYNAMIC_SECTION MATCHES "SONAME +([^\n ]+)")
  set(ARB_SONAME ${CMAKE_MATCH_1})
else()
  get_filename_component(ARB_SONAME ${ARB_LIBRARY} REALPATH)
endif()
add_library(rl::arb INTERFACE IMPORTED)
set_target_properties(rl::arb PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${ARB_INCLUDE};${FLINT_INCLUDE}"
  INTERFACE_LINK_LIBRARIES "rl::mpfr;rl::gmp;${CMAKE_DL_LIBS}")
set_property(TARGET rl::mpfi APPEND PROPERTY INTERFACE_LINK_LIBRARIES rl::mpfr rl::gmp)
rl_wrap_library(glpk glpk.h glpk)

# ONNX needs protobuf found first and the ML namespace definitions.
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
add_library(rl::onnx INTERFACE IMPORTED)
set_target_properties(rl::onnx PROPERTIES
  INTERFACE_COMPILE_DEFINITIONS "ONNX_ML=1;ONNX_NAMESPACE=onnx"
  INTERFACE_LINK_LIBRARIES "onnx_proto;protobuf::libprotobuf")

find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(doctest REQUIRED)
include(doctest)

# SDPA (libsdpa-dev) ships a static library only; it needs sequential MUMPS,
# LAPACK/BLAS and the Fortran runtime. Used by the (untrusted) LipSDP solve.
find_path(SDPA_INCLUDE sdpa_call.h)
find_library(SDPA_LIBRARY NAMES libsdpa.a sdpa)
if(NOT SDPA_INCLUDE OR NOT SDPA_LIBRARY)
  message(FATAL_ERROR "SDPA not found (sdpa_call.h); run ./robustlaw.sh deps")
endif()
set(RL_SDPA_DEPS)
foreach(lib dmumps_seq mumps_common_seq pord_seq mpiseq_seq openblas lapack gfortran)
  # The Fortran runtime may lack its unversioned development link.
  find_library(RL_SDPA_DEP_${lib} NAMES ${lib} lib${lib}.so.5)
  if(NOT RL_SDPA_DEP_${lib})
    message(FATAL_ERROR "${lib} (needed by SDPA) not found; run ./robustlaw.sh deps")
  endif()
  list(APPEND RL_SDPA_DEPS ${RL_SDPA_DEP_${lib}})
endforeach()
add_library(rl::sdpa UNKNOWN IMPORTED)
set_target_properties(rl::sdpa PROPERTIES
  IMPORTED_LOCATION ${SDPA_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${SDPA_INCLUDE}
  INTERFACE_LINK_LIBRARIES "${RL_SDPA_DEPS};Threads::Threads")
