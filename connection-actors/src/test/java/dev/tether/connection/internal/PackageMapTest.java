package dev.tether.connection.internal;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The package map's rules, read from the compiled main classes: the internal packages depend on
 * each other one way only (what a child reports upward goes through one sealed interface per
 * level: {@code SupervisorReport}, {@code EntityReport}, {@code ListenerReport}, {@code
 * IncarnationReport}, the stream's {@code ConnectionTransport.Signal}), and no package grows past
 * about 25 classes. README "Architecture" draws the graph this test holds.
 */
class PackageMapTest {
  private static final String INTERNAL = "dev.tether.connection.internal";
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
      .importPackages("dev.tether.connection");

  /** Every internal package, the registry's own {@code internal} included, is one slice. */
  private static final SliceAssignment INTERNAL_PACKAGES = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      return p.equals(INTERNAL) || p.startsWith(INTERNAL + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "the internal packages";
    }
  };

  @Test
  void theInternalPackagesHaveNoCycle() {
    slices().assignedFrom(INTERNAL_PACKAGES).should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void noPackageHoldsMoreThan25Classes() {
    Map<String, Long> topLevel = MAIN.stream()
        .filter(c -> c.isTopLevelClass() && !c.getSimpleName().equals("package-info"))
        .collect(Collectors.groupingBy(JavaClass::getPackageName, TreeMap::new, Collectors.counting()));
    Map<String, Long> tooLarge = new TreeMap<>(topLevel);
    tooLarge.values().removeIf(n -> n <= 25);
    assertEquals(Map.of(), tooLarge, "packages over 25 classes, of " + topLevel);
  }
}
