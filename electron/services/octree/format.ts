/** The octree format's pure layout code lives in common/ so the renderer decodes nodes with it too. */
export * from '../../../common/geometry/octreeLayout';
