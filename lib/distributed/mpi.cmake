# Optional MPI support for the distributed Lipschitz search (lib/distributed).
# The default build does not need MPI: without it, `robustlaw lipschitz-mpi`
# reports that it was built without MPI. Disable with -DROBUSTLAW_MPI=OFF.
# MPI lives in a plugin that lipschitz-mpi alone loads (mpi_plugin.hpp).
option(ROBUSTLAW_MPI "Build the MPI-distributed Lipschitz search when MPI is found" ON)
if(ROBUSTLAW_MPI)
  find_package(MPI COMPONENTS C QUIET)
  if(MPI_C_FOUND)
    message(STATUS "robustlaw: MPI found, lipschitz-mpi enabled")
    add_library(robustlaw_mpi MODULE ${PROJECT_SOURCE_DIR}/lib/distributed/mpi_plugin.cpp
      ${PROJECT_SOURCE_DIR}/lib/distributed/mpi_plugin.hpp)
    target_compile_options(robustlaw_mpi PRIVATE -Wall -Wextra)
    target_include_directories(robustlaw_mpi PRIVATE ${PROJECT_SOURCE_DIR}/lib)
    # The C interface alone: mpi.h in C++ would otherwise pull in the C++ bindings.
    target_compile_definitions(robustlaw_mpi PRIVATE OMPI_SKIP_MPICXX=1 MPICH_SKIP_MPICXX=1)
    target_link_libraries(robustlaw_mpi PRIVATE MPI::MPI_C)
    set_target_properties(robustlaw_mpi PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
    add_dependencies(robustlaw_lib robustlaw_mpi)
    target_compile_definitions(robustlaw_lib PUBLIC ROBUSTLAW_HAVE_MPI=1)
    target_compile_definitions(robustlaw_lib PRIVATE ROBUSTLAW_MPI_PLUGIN="$<TARGET_FILE:robustlaw_mpi>")
  else()
    message(STATUS "robustlaw: MPI not found, lipschitz-mpi disabled")
  endif()
endif()
