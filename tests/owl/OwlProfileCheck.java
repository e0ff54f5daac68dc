// An OWL 2 DL profile check with the OWL API (Debian's libowlapi-java), run by tests/test_owl_profile.py as
// `java -cp JARS OwlProfileCheck.java FILE` (a JDK's single-file source launch). FILE is the ontology as the
// build merges it (ontology/*.ttl in one document: a term typed in one file and used in another must be
// read together). Each violation is printed on one line, sorted, then their count.
// Exit 0 when there is none, 1 when there are some, 2 when the file does not parse.

import java.io.File;
import java.util.List;
import java.util.TreeSet;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyCreationException;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlProfileCheck {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        } catch (OWLOntologyCreationException e) {
            System.out.println(args[0] + ": does not parse: " + e.getMessage().lines().findFirst().orElse(""));
            System.exit(2);
            return;
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        List<OWLProfileViolation> violations = report.getViolations();
        // Sorted text, so the output does not depend on hash order.
        TreeSet<String> lines = new TreeSet<>();
        for (OWLProfileViolation v : violations) {
            lines.add(v.getClass().getSimpleName() + ": " + v.toString().replace('\n', ' '));
        }
        lines.forEach(System.out::println);
        System.out.println(violations.size() + " violations");
        System.exit(violations.isEmpty() ? 0 : 1);
    }
}
