import { z } from 'zod';
import { CoreSelection } from './scans';

const method = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ params, result });
const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

export const SuggestionSchema = z.object({
  /** Point to click. */
  point: z.number().int().min(0),
  /** Scan-local position (float32 frame) and world position. */
  position: Vec3,
  world: Vec3,
  gain: z.number(),
  reason: z.string(),
});
export type SuggestionInfo = z.infer<typeof SuggestionSchema>;

export const propagationContract = {
  /** The next N places to click, ranked by expected gain (uncertainty x size, spread out). */
  'propagation.suggest': method(
    z.object({ scanId: z.string().min(1).max(128), n: z.number().int().min(1).max(100).default(10) }).strict(),
    z.array(SuggestionSchema),
  ),
  /** Ground points from the ground filter, as a selection to assign (uint32 LE ids in base64). */
  'propagation.ground': method(
    z.object({ scanId: z.string().min(1).max(128) }).strict(),
    CoreSelection,
  ),
  /** The superpoint (a small homogeneous segment) holding a point, as a selection. */
  'propagation.superpoint': method(
    z.object({ scanId: z.string().min(1).max(128), point: z.number().int().min(0) }).strict(),
    CoreSelection,
  ),
} as const;
