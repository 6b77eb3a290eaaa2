package io.tsecho.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The manifests under deploy/k8s read into fabric8's typed model. A field the model does not know
 * (a typo, a field at the wrong level) fails: fabric8 keeps such fields in each object's
 * additionalProperties, so every object read is walked and each of those must be empty.
 */
final class Manifests {
  /** The kinds the manifests use, by apiVersion and kind, and the class each is read into. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "apps/v1 Deployment", Deployment.class,
      "v1 Service", Service.class,
      "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class,
      "autoscaling/v2 HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
      "batch/v1 Job", Job.class,
      "v1 PersistentVolumeClaim", PersistentVolumeClaim.class);
  private static final YAMLMapper YAML = new YAMLMapper();

  private Manifests() {}

  /** Every document of the file, typed; throws on an unknown kind or field. */
  static List<HasMetadata> read(Path file) throws Exception {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document == null || document.isEmpty()) {
          continue;
        }
        String kind = document.path("apiVersion").asString() + " " + document.path("kind").asString();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
          throw new AssertionError(file + ": no typed model for " + kind);
        }
        HasMetadata object = YAML.treeToValue(document, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(object, kind + " " + object.getMetadata().getName(), unknown);
        if (!unknown.isEmpty()) {
          throw new AssertionError(file + ": fields the model does not know: " + unknown);
        }
        objects.add(object);
      }
    }
    return objects;
  }

  /** The one object of that type in the file. */
  static <T extends HasMetadata> T one(Path file, Class<T> type) throws Exception {
    List<T> found = all(file, type);
    if (found.size() != 1) {
      throw new AssertionError(file + ": " + found.size() + " objects of kind " + type.getSimpleName());
    }
    return found.get(0);
  }

  static <T extends HasMetadata> List<T> all(Path file, Class<T> type) throws Exception {
    List<T> found = new ArrayList<>();
    for (HasMetadata object : read(file)) {
      if (type.isInstance(object)) {
        found.add(type.cast(object));
      }
    }
    return found;
  }

  /** Walks the model's getters, depth first, collecting the path of each non-empty additionalProperties. */
  static void unknownFields(Object node, String path, List<String> unknown) throws ReflectiveOperationException {
    if (node instanceof Collection) {
      int i = 0;
      for (Object element : (Collection<?>) node) {
        unknownFields(element, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (node instanceof Map) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) node).entrySet()) {
        unknownFields(entry.getValue(), path + "[" + entry.getKey() + "]", unknown);
      }
      return;
    }
    if (node == null || !node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (InvocationTargetException e) {
        continue; // a derived value that the object cannot compute (such as a Quantity's amount)
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map && !((Map<?, ?>) value).isEmpty()) {
          unknown.add(path + ": " + ((Map<?, ?>) value).keySet());
        }
        continue;
      }
      unknownFields(value, path + "." + getter.getName().substring(3), unknown);
    }
  }
}
