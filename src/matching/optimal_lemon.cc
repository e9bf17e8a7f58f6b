// The reference solver: the textbook network handed to LEMON's NetworkSimplex.
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <cassert>
#include <cstdlib>

#include "matching/optimal.h"

namespace matching {

OptimalResult SolveWithLemon(const Instance& in) {
  using Graph = lemon::SmartDigraph;
  Graph g;
  const int32_t num_students = in.num_students;
  const int32_t num_positions = in.num_positions();
  g.reserveNode(num_students + num_positions + 2);
  g.reserveArc(in.num_edges() + num_students + num_positions + 1);
  Graph::Node source = g.addNode();
  Graph::Node sink = g.addNode();
  std::vector<Graph::Node> student_node(num_students), position_node(num_positions);
  for (auto& n : student_node) n = g.addNode();
  for (auto& n : position_node) n = g.addNode();

  Graph::ArcMap<int64_t> capacity(g), cost(g);
  int64_t max_rank = 0;
  for (int32_t r : in.pref_rank) max_rank = std::max<int64_t>(max_rank, r);
  // An augmenting path costs at most one rank per student, so a bypass unit
  // priced above all of them is used only when no student can be added.
  const int64_t bypass_cost = (static_cast<int64_t>(num_students) + 1) * (max_rank + 1);
  Graph::Arc bypass = g.addArc(source, sink);
  capacity[bypass] = num_students;
  cost[bypass] = bypass_cost;
  for (int32_t s = 0; s < num_students; ++s) {
    Graph::Arc a = g.addArc(source, student_node[s]);
    capacity[a] = 1;
    cost[a] = 0;
  }
  for (int32_t p = 0; p < num_positions; ++p) {
    if (!in.PositionOpen(p)) continue;
    Graph::Arc a = g.addArc(position_node[p], sink);
    capacity[a] = in.position_capacity[p];
    cost[a] = 0;
  }
  std::vector<Graph::Arc> edge_arc(in.num_edges(), lemon::INVALID);
  for (int32_t s = 0; s < num_students; ++s) {
    for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
      int32_t p = in.pref_position[e];
      if (!in.PositionOpen(p)) continue;
      edge_arc[e] = g.addArc(student_node[s], position_node[p]);
      capacity[edge_arc[e]] = 1;
      cost[edge_arc[e]] = in.pref_rank[e];
    }
  }

  lemon::NetworkSimplex<Graph, int64_t, int64_t> simplex(g);
  Graph::NodeMap<int64_t> supply(g, 0);
  supply[source] = num_students;
  supply[sink] = -static_cast<int64_t>(num_students);
  simplex.upperMap(capacity).costMap(cost).supplyMap(supply);
  auto outcome = simplex.run();
  // The bypass makes every instance feasible and all costs are bounded.
  if (outcome != lemon::NetworkSimplex<Graph, int64_t, int64_t>::OPTIMAL) std::abort();

  OptimalResult result;
  result.assignment.edge_of_student.assign(num_students, Assignment::kUnassigned);
  for (int32_t s = 0; s < num_students; ++s) {
    for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
      if (edge_arc[e] != lemon::INVALID && simplex.flow(edge_arc[e]) > 0) {
        result.assignment.edge_of_student[s] = e;
      }
    }
  }
  // LEMON's reduced cost is cost + potential(u) - potential(v), as ours.
  OptimalCertificate& cert = result.certificate;
  cert.source_potential = simplex.potential(source);
  cert.sink_potential = simplex.potential(sink);
  cert.student_potential.resize(num_students);
  cert.position_potential.resize(num_positions);
  for (int32_t s = 0; s < num_students; ++s) {
    cert.student_potential[s] = simplex.potential(student_node[s]);
  }
  for (int32_t p = 0; p < num_positions; ++p) {
    cert.position_potential[p] = simplex.potential(position_node[p]);
  }
  result.assigned = result.assignment.NumAssigned();
  result.sum_of_ranks = SumOfRanks(in, result.assignment);
  result.phases = 1;
  return result;
}

OptimalResult RunOptimal(const Instance& instance, FlowSolver solver) {
  return solver == FlowSolver::kLemonNetworkSimplex ? SolveWithLemon(instance)
                                                    : SolveWithShortestPaths(instance);
}

}  // namespace matching
