// librobustlaw_mpi.so: the contract is in mpi_plugin.hpp.
#include "distributed/mpi_plugin.hpp"

#include <mpi.h>

namespace {

void init(int* rank, int* size) {
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
}

void finalize() { MPI_Finalize(); }

void abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

void send(const char* data, int bytes, int dest, int tag) {
  MPI_Send(data, bytes, MPI_CHAR, dest, tag, MPI_COMM_WORLD);
}

int probe(int source, int tag, RlMpiMessage* message) {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD, &flag, &status);
  if (!flag) return 0;
  message->source = status.MPI_SOURCE;
  message->tag = status.MPI_TAG;
  MPI_Get_count(&status, MPI_CHAR, &message->bytes);
  return 1;
}

void receive(char* data, const RlMpiMessage* message) {
  MPI_Recv(data, message->bytes, MPI_CHAR, message->source, message->tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

const RlMpiApi kApi{init, finalize, abort, send, probe, receive};

}  // namespace

extern "C" const RlMpiApi* rl_mpi_api() { return &kApi; }
