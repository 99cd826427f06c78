// The few MPI calls lipschitz-mpi makes, as a plugin (librobustlaw_mpi.so)
// loaded by `robustlaw lipschitz-mpi` alone (lipschitz_distributed.cpp).
//
// Why a plugin: Open MPI and its runtime (a dozen shared libraries) cost
// every robustlaw run about 4 ms of CPU to load, a sixth of an easy
// Lipschitz run, though only lipschitz-mpi uses them.
//
// Contract (plain C, MPI_COMM_WORLD throughout, bytes as MPI_CHAR): init
// calls MPI_Init and reports rank and size; probe is MPI_Iprobe (source or
// tag -1: any), and fills `message` when one waits (returns 1, else 0);
// receive takes that message into `data` (message->bytes of room).
#pragma once

extern "C" {

struct RlMpiMessage {
  int source, tag, bytes;
};

struct RlMpiApi {
  void (*init)(int* rank, int* size);
  void (*finalize)();
  void (*abort)(int code);
  void (*send)(const char* data, int bytes, int dest, int tag);
  int (*probe)(int source, int tag, RlMpiMessage* message);
  void (*receive)(char* data, const RlMpiMessage* message);
};

const RlMpiApi* rl_mpi_api();
}
