/*
 * percolate.h - dimensionality of a periodic network.
 *
 * Nodes are sites of one cell; an edge joins site a to site b displaced by
 * the lattice vector t.  Walking the network from a site, the lattice
 * translations that bring you back to an image of where you started span
 * a space of rank 0, 1, 2 or 3: that rank, maximised over connected
 * components, is the network's dimensionality (Larsen et al., Phys. Rev.
 * Materials 3, 034003 (2019)).  0 means isolated clusters; 3 a network
 * that percolates in every direction.  Linear in nodes + edges.
 */
#ifndef HK_PERCOLATE_H
#define HK_PERCOLATE_H

struct pedge {
	int a, b;
	int t[3];
};

/* Dimensionality (0-3) of the network of n nodes and ne edges. */
int percolate_dim(int n, const struct pedge *e, int ne);

#endif
