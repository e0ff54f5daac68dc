// The one global the page uses: the libraries it needs, nothing else.
import Graph from "graphology";
import Sigma from "sigma";
import { EdgeArrowProgram } from "sigma/rendering";
import { EdgeCurvedArrowProgram } from "@sigma/edge-curve";

window.MinekgGraphLibs = { Graph, Sigma, EdgeArrowProgram, EdgeCurvedArrowProgram };
