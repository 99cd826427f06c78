# Optional MPI support for the distributed Lipschitz search (lib/distributed).
# The default build does not need MPI: without it, `robustlaw lipschitz-mpi`
# reports that it was built without MPI. Disable with -DROBUSTLAW_MPI=OFF.
option(ROBUSTLAW_MPI "Build the MPI-distributed Lipschitz search when MPI is found" ON)
if(ROBUSTLAW_MPI)
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    message(STATUS "robustlaw: MPI found, lipschitz-mpi enabled")
    target_compile_definitions(robustlaw_lib PUBLIC ROBUSTLAW_HAVE_MPI=1)
    target_link_libraries(robustlaw_lib PUBLIC MPI::MPI_CXX)
  else()
    message(STATUS "robustlaw: MPI not found, lipschitz-mpi disabled")
  endif()
endif()
